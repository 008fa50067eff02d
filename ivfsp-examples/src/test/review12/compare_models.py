import sys, json, collections
sys.path.insert(0, __import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)), '..', 'resources', 'argparse'))
import reference_parsers as team
import model, campaign

def mine(cmd, args, extended):
    if extended:
        r = model.parse(model.ivfsp_parser(cmd), args)
    elif cmd == 'all':
        return None
    else:
        r = model.parse(model.reference_parser(cmd, required=False), args)
    if r[0] == 'help': return 'help'
    if r[0] == 'error': return 'error: ' + r[1]
    return 'ok'

def theirs(cmd, args, extended):
    o = team.outcome(cmd, args, extended)
    return 'ok' if o.startswith('ok') else o

lines = campaign.cases() + campaign.fuzz(20000, 7) + [tuple(c) for c in team.random_cases(20000, 3)]
diff = collections.Counter(); ex = {}
for cmd, args in lines:
    for extended in (False, True):
        a = mine(cmd, args, extended)
        if a is None: continue
        b = theirs(cmd, args, extended)
        if a != b:
            key = (extended, a[:40], b[:40])
            diff[key] += 1
            ex.setdefault(key, (cmd, args, a, b))
print(len(lines), 'lines x2 models')
for k, n in diff.most_common(30):
    print(n, ex[k])

def mine_vals(cmd, args):
    r = model.parse(model.ivfsp_parser(cmd), args)
    if r[0] != 'ok': return None
    d2f = {dest: flag for flag, dest, _, _ in model.FLAGS[cmd]}
    d2f['pool_size'] = '--pool'
    out = {}
    for k, v in r[1].items():
        flag = d2f.get(k, '--' + k.replace('_', '-'))
        if flag == '--quiet': pass
        out[flag] = v
    return out

def their_vals(cmd, args):
    o = team.outcome(cmd, args, True)
    if not o.startswith('ok'): return None
    return o

n = 0; bad = 0
for cmd, args in lines:
    m = mine_vals(cmd, args)
    if m is None: continue
    t = their_vals(cmd, args)
    n += 1
    # compare: every flag in their rendering must equal mine
    tv = dict(x.split('=', 1) for x in t.split(' ')[1:] if '=' in x) if ' ' in t else {}
    # rendering can't split values with spaces robustly; compare config flags only
    for flag, dest_default in [(f, None) for f, _, _, _ in model.FLAGS[cmd]]:
        if flag in tv:
            mv = m[flag]
            ms = ','.join(str(x) for x in mv) if isinstance(mv, list) else str(mv)
            if ms != tv[flag]:
                bad += 1
                if bad < 10: print('VALUE DIFF', cmd, args, flag, ms, tv[flag])
print('ok lines compared', n, 'value diffs', bad)
