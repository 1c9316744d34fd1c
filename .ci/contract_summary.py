"""Print, per operation, the cases Schemathesis made and the statuses the service answered (all identities)."""

import collections
import sys


def main(path: str) -> None:
    cases = collections.defaultdict(set)
    statuses = collections.defaultdict(collections.Counter)
    identities = collections.defaultdict(set)
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            identity, operation, case_id, status = parts
            cases[operation].add((identity, case_id))
            statuses[operation][status] += 1
            identities[operation].add(identity)
    width = max((len(op) for op in cases), default=10)
    print(f"{'operation':<{width}}  cases  calls  identities  statuses")
    for op in sorted(cases, key=lambda o: (o.split(" ", 1)[1], o)):
        counts = " ".join(f"{s}:{n}" for s, n in sorted(statuses[op].items()))
        calls = sum(statuses[op].values())
        print(f"{op:<{width}}  {len(cases[op]):>5}  {calls:>5}  {len(identities[op]):>10}  {counts}")
    total_cases = sum(len(c) for c in cases.values())
    total_calls = sum(sum(s.values()) for s in statuses.values())
    print(f"{len(cases)} operations, {total_cases} cases, {total_calls} calls")


if __name__ == "__main__":
    main(sys.argv[1])
