/** The smallest program that creates one session with plain `fetch`: the floor. */
const response = await fetch("https://api.cloud.llamaindex.ai/api/v1/chat", {
  method: "POST",
  headers: {
    authorization: `Bearer ${process.env["LLAMA_CLOUD_API_KEY"] ?? ""}`,
    "content-type": "application/json"
  },
  body: JSON.stringify({ index_ids: ["idx-abc123"] })
})
console.log(JSON.parse(await response.text()))
