#!/usr/bin/env python3
"""Why openings were missed, from `hotelband-bench --dump DIR` files (one per run).

    python3 bench/scripts/missed_openings.py DIR [GLOB] [-v]

GLOB defaults to the no-fault 30-competitor cold runs of ours. For each opening the dump
marks missed, it looks at what each service's lane sent from the opening's start to 2.5 s
after (A = free list, H = holds, Rn / Cn = reserve / release of slot n, !409 = refused) and
names the first reason that applies, in this order: our reserve of the slot was refused; a
slot went to the cold start's holds read; a better target was refused at one service (and
its half released); slots went to an upgrade under way (its reserve, the old pair's
release); otherwise whether both lists showed the slot in time. It also says what ended the
opening (a crowd member's reserve at one service, or the end of the run). -v lists each.
"""
import collections
import glob
import os
import re
import sys


def parse(path):
    lines = open(path).read().splitlines()
    openings, log, hist = [], [], []
    for l in lines[1:]:
        m = re.match(r'opening slot (\d+) from ([\d.-]+) to ([\d.-]+|inf): (.*)', l)
        if m:
            openings.append((int(m[1]), float(m[2]), float(m[3]) if m[3] != 'inf' else 1e9, m[4]))
            continue
        m = re.match(r'\s*([\d.-]+) emulator (\w+) (\S+) (\w+) (\d+) (\w+)', l)
        if m:
            hist.append((float(m[1]), m[2], m[3], m[4], int(m[5])))
            continue
        m = re.match(r'\s*([\d.-]+) (.*)', l)
        if m:
            log.append((float(m[1]), m[2]))
    return lines[0], openings, log, hist

def requests(log):
    """(sent, service, op, reply_at, reply) per request."""
    out, pending = [], {}
    for at, line in log:
        m = re.match(r'-> (\w+) (.*) \(try (\d+)\)', line)
        if m:
            pending[m[1]] = (at, m[1], m[2])
            continue
        m = re.match(r'<- (\w+) (.*)', line)
        if m and m[1] in pending:
            s = pending.pop(m[1])
            out.append((s[0], s[1], s[2], at, m[2]))
    for s in pending.values():
        out.append((s[0], s[1], s[2], None, ''))
    return sorted(out)

def ids(reply):
    m = re.search(r'\[(.*?)\]', reply)
    return [int(x) for x in m[1].replace('...', '').split()] if m else []

def short(op):
    op = op.replace('Reserve(Slot(', 'R').replace('Cancel(Slot(', 'C').replace('))', '')
    return {'Available': 'A', 'Holds': 'H'}.get(op, op)

def reasons(path):
    head, openings, log, hist = parse(path)
    reqs = requests(log)
    out = []
    for slot, t, e, verdict in openings:
        if verdict.startswith('held'):
            continue
        win = [(s, svc, short(op), rep) for s, svc, op, rat, rep in reqs if t - 0.05 <= s <= t + 2.5]
        ops = {svc: [(s, o, rep) for s, sv, o, rep in win if sv == svc] for svc in ('hotel', 'band')}
        mine = [(s, svc, o, rep) for s, svc, o, rep in win if o == f'R{slot}']
        refused_other = any(o.startswith('R') and o != f'R{slot}' and '409' in rep for s, svc, o, rep in win)
        r = None
        if any('409' in rep for *_, rep in mine):
            r = 'our reserve of it refused: taken at one service first'
        elif any(o == 'H' for *_, o, _ in win):
            r = 'a slot spent on the cold start\'s holds read'
        elif refused_other:
            r = 'a better target refused at one service; its half released'
        elif any(o.startswith('R') or o.startswith('C') for s, svc, o, rep in win if o != f'R{slot}'):
            r = 'slots spent on an upgrade under way (its reserve, the old pair\'s release)'
        else:
            # Both lists showed it at some moment, and no reserve followed at the next slot?
            seen = {svc: [s for s, o, rep in ops[svc] if o == 'A' and slot in ids(rep)] for svc in ops}
            if seen['hotel'] and seen['band'] and mine:
                r = 'seen at both, reserved, landed after 2.5 s (a read waited for)'
            elif seen['hotel'] and seen['band']:
                r = 'seen at both, not reserved in time (scan waited for a newer list)'
            else:
                r = 'not seen free at both in time'
        taker = [u for at, svc, u, op, sl in hist if sl == slot and op == 'Reserve' and abs(at - e) < 0.01 and u != 'bench']
        out.append((os.path.basename(path), slot, r, taker[0].rsplit('-', 1)[0] if taker else ('run end' if e > 29 else 'bench')))
    return out


def main(d, pattern, verbose):
    missed = []
    for path in sorted(glob.glob(os.path.join(d, pattern))):
        missed += reasons(path)
    print(f'{d}: {len(missed)} missed')
    for reason, n in collections.Counter(r for _, _, r, _ in missed).most_common():
        print(f'  {n:3}  {reason}')
    print('  ended by:', dict(collections.Counter(w for *_, w in missed)))
    if verbose:
        for run, slot, reason, ended in missed:
            print(f'    {run} slot {slot}: {reason} (ended by {ended})')


if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if a != '-v']
    main(args[0], args[1] if len(args) > 1 else 'ours-none-30-cold-*.log', '-v' in sys.argv)
