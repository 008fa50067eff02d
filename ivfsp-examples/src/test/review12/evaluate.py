import model, campaign, os, sys, json, shutil, subprocess, collections

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, '..', '..', '..', 'target')
WORK = os.environ.get('REVIEW12_WORK', '/tmp/r12')
CP = TARGET + '/ivfsp-cli.jar:' + TARGET + '/lib/*:' + WORK + '/runner'

def run_cli(lines, base):
    if os.path.exists(base):
        shutil.rmtree(base)
    os.makedirs(base)
    with open(base + '/cases.txt', 'w') as f:
        for cmd, args in lines:
            f.write(campaign.hexline([cmd, '--plan'] + args) + '\n')
    subprocess.run(['java', '-cp', CP, 'Runner', base + '/cases.txt', base], check=True, timeout=3000)
    res = []
    for i in range(len(lines)):
        d = '%s/%d' % (base, i)
        res.append(dict(rc=int(open(d + '/rc').read()), out=open(d + '/out', encoding='utf-8', errors='replace').read(),
                        err=open(d + '/err', encoding='utf-8', errors='replace').read(), wd=d + '/wd'))
    return res

def reuse(lines, base):
    res = []
    for i in range(len(lines)):
        d = '%s/%d' % (base, i)
        res.append(dict(rc=int(open(d + '/rc').read()), out=open(d + '/out', encoding='utf-8', errors='replace').read(),
                        err=open(d + '/err', encoding='utf-8', errors='replace').read(), wd=d + '/wd'))
    return res

def listing(wd):
    out = []
    for root, dirs, files in os.walk(wd):
        for x in dirs + files:
            out.append(os.path.relpath(os.path.join(root, x), wd))
    return sorted(out)

SETS = {'service': ['service'], 'aicpu': ['aicpu'], 'training': ['training'], 'all': ['service', 'aicpu', 'training']}

def expected(cmd, args):
    """What ivfsp's documented semantics give for `ivfsp cmd --plan args`: dict(kind, ...)."""
    e = model.parse(model.ivfsp_parser(cmd), ['--plan'] + args)
    if e[0] == 'help':
        return dict(kind='help')
    if e[0] == 'error':
        return dict(kind='error', msg=e[1])
    v = e[1]
    problems = []
    cfgflags = [dest for flag, dest, default, req in model.FLAGS[cmd] if dest != 'pool_size']
    if any(v[d] == [] for d in cfgflags) or v.get('pool_size') == []:
        return dict(kind='invalid', why="'--' value")
    lengths = {len(v[d]) for d in cfgflags if len(v[d]) > 1}
    if len(lengths) > 1:
        return dict(kind='invalid', why='list lengths')
    n = max(lengths) if lengths else 1
    configs = []
    for k in range(n):
        c = {d: (v[d][0] if len(v[d]) == 1 else v[d][k]) for d in cfgflags}
        c['pool_size'] = v.get('pool_size', 16)
        configs.append(c)
    for c in configs:
        full = dict(core_num=8, process_id=0, dim=256, low_dim=32, k=1024, handle_batch=32, code_num=32768,
                    batch_size=32768, pool_size=16)
        full.update(c)
        for s in SETS[cmd]:
            w = model.reference_check(s, full)
            if w:
                problems.append(w)
        if not 1 <= full['pool_size'] <= 32:
            problems.append('pool')
        problems += model.ivfsp_stricter(cmd, c)
    if v['timeout'] is not None and not 1 <= v['timeout'] <= 2**31 - 1:
        problems.append('timeout')
    if v['compile_workers'] is not None and not 1 <= v['compile_workers'] <= 32:
        problems.append('workers')
    if v['backend'] is not None and v['backend'] not in ('atc', 'native', 'mock', 'auto'):
        problems.append('backend')
    if v['verification'] is not None and v['verification'] not in ('size', 'hash'):
        problems.append('verification')
    if problems:
        return dict(kind='invalid', why=problems)
    files = {}
    for c in configs:
        for name, text in model.files_for(cmd, c).items():
            if name in files and files[name] != text:
                return dict(kind='invalid', why='clash ' + name)
            files[name] = text
    return dict(kind='ok', files=files, root=v['output_root'], json=v['json'], quiet=v['quiet'])

def check(cmd, args, r):
    x = expected(cmd, args)
    listed = listing(r['wd'])
    problems = []
    if x['kind'] == 'help':
        if r['rc'] != 0: problems.append('help: rc %d' % r['rc'])
        if 'Usage' not in r['out'] and 'usage' not in r['out']: problems.append('help: no usage on stdout')
        if listed: problems.append('help wrote %s' % listed[:3])
    elif x['kind'] == 'error':
        want = "ivfsp %s: error: %s\nTry 'ivfsp %s --help'\n" % (cmd, x['msg'], cmd)
        if r['rc'] != 2: problems.append('error: rc %d (want 2: %s)' % (r['rc'], x['msg']))
        elif r['err'] != want: problems.append('error text: got %r want %r' % (r['err'][:300], want))
        if listed: problems.append('refused but wrote %s' % listed[:3])
    elif x['kind'] == 'invalid':
        if r['rc'] != 2: problems.append('invalid (%s): rc %d' % (x['why'], r['rc']))
        if listed: problems.append('invalid but wrote %s' % listed[:3])
    else:
        if r['rc'] != 0:
            problems.append('accepted by model, rc %d: %s' % (r['rc'], r['err'][:300]))
        else:
            root = os.path.join(r['wd'], x['root']) if x['root'] is not None else r['wd']
            cdir = os.path.join(root, 'config')
            got = {}
            if os.path.isdir(cdir):
                for f in os.listdir(cdir):
                    got[f] = open(os.path.join(cdir, f), encoding='utf-8').read()
            if set(got) != set(x['files']):
                problems.append('files differ: extra %s missing %s' % (sorted(set(got) - set(x['files']))[:4],
                                                                        sorted(set(x['files']) - set(got))[:4]))
            else:
                bad = [f for f in got if got[f] != x['files'][f]]
                if bad: problems.append('content differs: %s' % bad[:4])
            if x['json']:
                try:
                    json.loads(r['out'])
                except Exception as e:
                    problems.append('--json output not JSON: %s' % e)
            elif x['quiet'] and r['out'] + r['err'] != '':
                problems.append('-q printed %r' % (r['out'] + r['err'])[:200])
    return x, problems

if __name__ == '__main__':
    which = sys.argv[1]
    if which == 'cases':
        lines = campaign.cases()
    elif which == 'file':
        lines = [(c, a) for c, a in json.load(open(sys.argv[2]))]
        which = 'file-' + os.path.basename(sys.argv[2])
    elif which.startswith('refail'):
        lines = [(c, a) for c, a, p in json.load(open(WORK + '/run-%s-fails.json' % sys.argv[2]))]
    else:
        lines = campaign.fuzz(int(sys.argv[2]), int(sys.argv[3]))
    base = WORK + '/run-' + which
    res = run_cli(lines, base) if len(sys.argv) < 5 or sys.argv[-1] != 'reuse' else reuse(lines, base)
    kinds = collections.Counter()
    fails = []
    for (cmd, args), r in zip(lines, res):
        x, problems = check(cmd, args, r)
        kinds[x['kind']] += 1
        if problems:
            fails.append((cmd, args, problems))
    print('lines', len(lines), dict(kinds), 'mismatches', len(fails))
    json.dump(fails, open(base + '-fails.json', 'w'), indent=1, ensure_ascii=False)
    for cmd, args, p in fails[:80]:
        print(cmd, repr(args)[:150], "->", [q[:250] for q in p])
