"""The benchmark's baseline: a bare FastAPI endpoint at the vote's path that does nothing
and answers like a vote, served by uvicorn with the voting service's own server
settings (voting/main.py `run`), so bench/voting.py can drive both the same way.

    python bench/noop_vote.py PORT
"""

import sys

import uvicorn
from fastapi import FastAPI, Request

app = FastAPI()

RECEIPT = {"receipt": "AAAA-AAAA-AAAA-AAAA"}


@app.post("/ballots/{ballot_id}/votes", status_code=201)
async def cast_vote(ballot_id: str, request: Request) -> dict:
    await request.body()  # read like the vote's body, never parsed
    return RECEIPT


@app.get("/readyz")
async def ready() -> dict:
    return {"status": "ready"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, timeout_graceful_shutdown=20)
