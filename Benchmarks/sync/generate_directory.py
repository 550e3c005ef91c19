#!/usr/bin/env python3
"""Generates a large LDIF directory for the sync benchmark (scripts/bench-sync).

Default: 100,000 users and 10,000 groups in three levels of nesting — 100 top groups
each holding 9 middle groups, each holding 10 leaf groups — with users spread over the
leaf groups so that there are 1,000,000 memberships in all (group-in-group ones included).
Deterministic for a given seed. Writes to standard output.
"""
import argparse
import random
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--memberships", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    base = "dc=example,dc=com"
    out.write(f"dn: {base}\nobjectClass: dcObject\nobjectClass: organization\no: Bench\ndc: example\n\n")
    for ou in ("people", "groups", "services"):
        out.write(f"dn: ou={ou},{base}\nobjectClass: organizationalUnit\nou: {ou}\n\n")
    out.write(f"dn: cn=ringfence-sync,ou=services,{base}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
              f"cn: ringfence-sync\nuserPassword: sync-secret\n\n")
    for u in range(args.users):
        out.write(f"dn: uid=user{u},ou=people,{base}\nobjectClass: inetOrgPerson\nuid: user{u}\ncn: User {u}\nsn: {u}\n"
                  f"mail: user{u}@example.com\ndisplayName: User {u}\nemployeeType: {'lead' if u % 50 == 0 else 'developer'}\n\n")
    tops = args.top
    mids = tops * 9
    leaves = mids * 10
    group_edges = mids + leaves
    user_edges = args.memberships - group_edges
    members = [[] for _ in range(leaves)]
    # Every user in at least one leaf group, the rest spread at random.
    for u in range(args.users):
        members[u % leaves].append(u)
    for _ in range(user_edges - args.users):
        members[rng.randrange(leaves)].append(rng.randrange(args.users))
    for leaf in range(leaves):
        people = sorted(set(members[leaf]))
        out.write(f"dn: cn=leaf{leaf},ou=groups,{base}\nobjectClass: groupOfNames\ncn: leaf{leaf}\n")
        out.write("".join(f"member: uid=user{u},ou=people,{base}\n" for u in people))
        out.write("\n")
    for mid in range(mids):
        out.write(f"dn: cn=mid{mid},ou=groups,{base}\nobjectClass: groupOfNames\ncn: mid{mid}\n")
        out.write("".join(f"member: cn=leaf{mid * 10 + i},ou=groups,{base}\n" for i in range(10)))
        out.write("\n")
    for top in range(tops):
        out.write(f"dn: cn=top{top},ou=groups,{base}\nobjectClass: groupOfNames\ncn: top{top}\nowner: uid=user{top},ou=people,{base}\n")
        out.write("".join(f"member: cn=mid{top * 9 + i},ou=groups,{base}\n" for i in range(9)))
        out.write("\n")


if __name__ == "__main__":
    main()
