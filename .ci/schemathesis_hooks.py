"""Schemathesis hooks for `.ci/schemathesis.sh`: record every call's operation and status.

Each call appends one line, `identity<TAB>METHOD path<TAB>case id<TAB>status`, to the file named by
NIUYANG_CONTRACT_LOG; `.ci/contract_summary.py` turns the lines into cases and status counts per operation.
"""

import os

import schemathesis


@schemathesis.hook
def after_call(context, case, response):
    log = os.environ.get("NIUYANG_CONTRACT_LOG")
    if not log:
        return
    identity = os.environ.get("NIUYANG_CONTRACT_IDENTITY", "-")
    case_id = getattr(case, "id", None) or str(id(case))
    with open(log, "a", encoding="utf-8") as f:
        f.write(f"{identity}\t{case.operation.method.upper()} {case.operation.path}\t{case_id}\t{response.status_code}\n")
