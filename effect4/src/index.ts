export * as ChatModelWire from "./core/chatModel/wire.js"
