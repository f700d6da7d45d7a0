"""A real MCP client (the official Python SDK, `mcp.client.stdio`) driving `keyward mcp`.

Usage: client.py KEYWARD_BIN WORKSPACE TRANSCRIPT STDERR_LOG
The text to scan comes from $KEYWARD_TEST_TEXT (built at run time by tests/mcp_server.rs, so no
token is ever committed). Prints one JSON object with every answer, as the SDK parsed it; every
raw line the server wrote to stdout goes to TRANSCRIPT, so the test can check the wire itself.
"""

import asyncio
import json
import os
import sys

import mcp.client.stdio as stdio
from mcp import ClientSession, StdioServerParameters

RAW = []
_parse_line = stdio._parse_line


def _record(line):
    # The SDK parses each stdout line here: recording it gives the bytes as sent, before any
    # model re-serialises them.
    RAW.append(line)
    return _parse_line(line)


stdio._parse_line = _record


def dump(result):
    return result.model_dump(by_alias=True, mode="json", exclude_none=True)


async def main():
    binary, workspace, transcript, errlog_path = sys.argv[1:5]
    text = os.environ["KEYWARD_TEST_TEXT"]
    params = StdioServerParameters(
        command=binary,
        args=["mcp"],
        cwd=workspace,
        # No user config or org policy of the machine running the tests.
        env={
            "KEYWARD_USER_CONFIG": "",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.environ.get("GIT_CONFIG_GLOBAL", "/nonexistent"),
        },
    )
    out = {}
    with open(errlog_path, "w") as errlog:
        async with stdio.stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                out["initialize"] = dump(init)
                out["tools"] = dump(await session.list_tools())
                out["prompts"] = dump(await session.list_prompts())
                out["prompt"] = dump(
                    await session.get_prompt(
                        "move_secret_to_vault", {"rule_id": "github-pat-classic", "path": "app.py"}
                    )
                )
                out["resources"] = dump(await session.list_resources())
                out["resource"] = dump(await session.read_resource("keyward://guide/move-secret"))

                async def call(key, name, args):
                    out[key] = dump(await session.call_tool(name, args))

                await call("scan_text", "scan_text", {"text": text, "path": "app.py"})
                await call("scan_text_clean", "scan_text", {"text": "x = 1\nname = 'keyward'\n"})
                await call("scan_path_all", "scan_path", {"path": "."})
                await call("scan_path_file", "scan_path", {"path": "src/config.py"})
                await call("scan_path_outside", "scan_path", {"path": "../outside/secret.py"})
                await call("scan_path_absolute", "scan_path", {"path": "/etc/passwd"})
                await call("scan_path_link_dir", "scan_path", {"path": "escape"})
                await call("scan_path_link_file", "scan_path", {"path": "escape.py"})
                await call("scan_path_missing", "scan_path", {"path": "no/such/file"})
                await call("check_staged", "check_staged", {})
                found = out["scan_text"].get("structuredContent", {}).get("findings") or [{}]
                rule = found[0].get("rule_id", "github-pat-classic")
                await call("explain", "explain_finding", {"rule_id": rule})
                await call("explain_unknown", "explain_finding", {"rule_id": "no-such-rule"})
    with open(transcript, "w") as f:
        f.write("\n".join(RAW))
    out["raw_lines"] = len(RAW)
    print(json.dumps(out))


asyncio.run(main())
