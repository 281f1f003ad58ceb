import asyncio


async def fetch(session, url):
    async with session.get(url) as response:
        return await response.text()


async def stream(source):
    async for chunk in source:
        yield chunk
    else:
        yield b""


async def main(urls):
    results = await asyncio.gather(*(fetch(None, u) for u in urls))
    tasks = [asyncio.create_task(fetch(None, u)) for u in urls]
    done = {await t async for t in stream(tasks)}
    await asyncio.sleep(0)
    return results, done


class Resource:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


if __name__ == "__main__":
    asyncio.run(main(["a", "b"]))
