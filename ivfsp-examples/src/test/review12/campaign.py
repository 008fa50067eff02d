import model, random, sys, os, json, subprocess, shutil, itertools

CMDS = ['service', 'aicpu', 'training', 'all']
INTS = ['256', ' 256 ', '\u00a0256', '256\u2003', '0256', '+256', '2_56', '25__6', '_256', '256_', '２５６', '٢٥٦',
        '0x100', '256.0', '2.56e2', '', ' ', '\x01256', '256\x00', '256\n', '\n256', '\t256\t', '\x1c256', '256\x1f',
        '\u200b256', '-256', '- 256', '+-256', '٢٥٦\u00a0', '𝟐𝟓𝟔', '²⁵⁶', '0' * 50 + '256', '1' + '0' * 30,
        '9' * 4300, '9' * 4301, '0' * 4300 + '1', '2147483647', '2147483648', '-2147483648', '-2147483649', '1,2',
        '256,', ',256', 'ｘ', '二五六', '256 256', '--', '-', '=256', '256=', '\u0660', '-\u0660', '٠', '1_0_2_4',
        '1__024', '\u2028256', '\u3000256\u3000', '\u180e256', '256\u0085', '\ufeff256']

def hexline(args):
    return ' '.join('x' + a.encode('utf-8', 'surrogatepass').hex() for a in args)

def cases():
    out = []
    def add(cmd, *args):
        out.append((cmd, list(args)))
    base = {'service': ['-d', '256', '-nonzero_num', '32', '-nlist', '1024', '-handle_batch', '32', '-code_num', '32768'],
            'aicpu': [], 'training': ['-d', '256', '-nonzero_num', '32', '-nlist', '1024', '-code_num', '32768'],
            'all': []}
    helps = [['-h'], ['--help'], ['--he'], ['--hel'], ['--h'], ['-help'], ['-he'], ['-hx'], ['-ha', '32'], ['-hand', '32'],
             ['-hh'], ['-hd256'], ['-hp', '5'], ['-hp'], ['-h='], ['-h=x'], ['--help=x'], ['--help='], ['-qh'], ['-hq'],
             ['-h', '-d', 'x'], ['-d', 'x', '-h'], ['-d', '256', '-h'], ['-d', '-h'], ['--', '-h'], ['-h', '--'],
             ['-h', 'extra'], ['extra', '-h'], ['-p', 'x', '-h'], ['-h', '-p', 'x'], ['-hp5'], ['-hpx'], ['-h-'],
             ['-Help'], ['-H'], ['--HELP'], ['-h\u00a0'], ['--help', '--help'], ['-h', '-zzz'], ['-zzz', '-h'],
             ['-hb', 'mock'], ['-hbatch_size'], ['-hn'], ['-hnonzero_num', '32'], ['-hc'], ['--helpx'], ['-q', '-h'],
             ['-h', '-q'], ['--he=1'], ['-ho', 'x'], ['-hox'], ['-h', '-n', '32'], ['-n', '32', '-h']]
    for cmd in CMDS:
        for h in helps:
            add(cmd, *h)
    flags = {'service': ['--cores', '-d', '-nonzero_num', '-nlist', '-p', '-handle_batch', '-code_num', '--pool'],
             'aicpu': ['--cores', '-p'],
             'training': ['--cores', '-d', '-nonzero_num', '-nlist', '-p', '-batch_size', '-code_num', '--pool'],
             'all': ['--cores', '-d', '-nonzero_num', '-nlist', '-p', '-handle_batch', '-code_num', '-batch_size', '--pool']}
    goodval = {'--cores': '8', '-d': '128', '-nonzero_num': '64', '-nlist': '2048', '-p': '3', '-handle_batch': '48',
               '-code_num': '16384', '-batch_size': '4096', '--pool': '4'}
    own = ['--plan', '--backend', '--toolkit', '-o', '--output-root', '--install-to', '--timeout', '--fail-fast',
           '--rebuild', '--verification', '--prune', '-q', '--quiet', '--json', '--batch', '--compile-workers']
    for cmd in CMDS:
        # every prefix of every flag, both dash styles, with a good value
        for f in flags[cmd] + own + ['--help']:
            name = f.lstrip('-')
            for i in range(1, len(name) + 1):
                for dashes in ('-', '--'):
                    v = goodval.get(f, '1')
                    add(cmd, *(base[cmd] + [dashes + name[:i], v]))
                    add(cmd, *(base[cmd] + [dashes + name[:i] + '=' + v]))
                    add(cmd, *(base[cmd] + [dashes + name[:i] + v]))
        # integer formats on each flag
        for f in flags[cmd]:
            for v in INTS:
                add(cmd, *(base[cmd] + [f, v]))
                add(cmd, *(base[cmd] + [f + '=' + v]))
                if len(f) == 2:
                    add(cmd, *(base[cmd] + [f + v]))
        # repeated flags
        for f in flags[cmd]:
            add(cmd, *(base[cmd] + [f, '1', f, goodval[f]]))
            add(cmd, *(base[cmd] + [f, goodval[f], f, '1']))
            add(cmd, *(base[cmd] + [f, 'x', f, goodval[f]]))
            add(cmd, *(base[cmd] + [f, goodval[f], f]))
            add(cmd, *(base[cmd] + [f + '=' + goodval[f], f, goodval[f]]))
        # negatives
        for f in flags[cmd]:
            for v in ['-5', '-0', '-1_0', '-１２８', '-.5', '-5.', '-1e3', '-x', '--5', '-5\n', '- 5', '-5 ']:
                add(cmd, *(base[cmd] + [f, v]))
                add(cmd, *(base[cmd] + [f + '=' + v]))
        # -- and leftovers
        for extra in (['--'], ['--', '-d', '256'], ['x'], ['x', 'y'], ['-d', '256', '--'], ['--', '--'], ['-'],
                      ['-x'], ['--x'], ['-x', '1'], ['--x=1'], ['-='], ['--='], ['--=1'], ['-d', '--'], ['-d', '--', '256'],
                      ['-d=--'], ['-p=--'], ['--cores=--'], ['-p', '-'], ['', ''], [''], [' '], ['-p', ''], ['\x00'],
                      ['-p', '1', '2'], ['-5'], ['-d', '-5', '-5'], ['-p', '-d'], ['-p', '-q'], ['--pool'], ['-nlist'],
                      ['- d', '1'], ['-d 256'], ['-p 5'], ['-p5 '], ['-d\t256'], ['-p\x00'], ['-d', '256 '], ['-é', '1']):
            add(cmd, *(base[cmd] + extra))
            add(cmd, *(extra + base[cmd]))
        # ivfsp options
        for opt in (['--backend', 'mock'], ['--backend', 'bogus'], ['--backend='], ['--b', 'mock'], ['--ba', 'mock'],
                    ['--bat'], ['--back', 'mock'], ['-o', 'out'], ['-o=out'], ['-oout'], ['--o', 'out'], ['--out', 'out'],
                    ['-o', ''], ['--output-root='], ['-o', 'a b'], ['-o', '-d'], ['-o', '--'], ['-o', 'x', '-o', 'y'],
                    ['--timeout', '5'], ['--timeout', '0'], ['--timeout', 'x'], ['--timeout', '٥'], ['--timeout', '99999999999'],
                    ['--compile-workers', '0'], ['--compile-workers', '33'], ['--compile-workers', '8'], ['--com', '2'],
                    ['--verification', 'hash'], ['--verification', 'HASH'], ['--verification', ''], ['--v', 'size'],
                    ['--pool', '0'], ['--pool', '33'], ['--pool', '1,2'], ['--pool', '٣'], ['--p', '4'], ['--pl'],
                    ['--pr'], ['--po', '4'], ['--pool=4'], ['--q'], ['--qu'], ['-q', '--json'], ['--j'], ['--f'],
                    ['--r'], ['--i', 'x'], ['--in', 'x'], ['--t', '5'], ['--to', 'x'], ['--ti', '5'], ['-qq'], ['-qo', 'x'],
                    ['-qox'], ['-oq'], ['-q-d'], ['-qd', '256'], ['-qd256'], ['--quiet=1'], ['--plan=yes'], ['-q='],
                    ['--json=']):
            add(cmd, *(base[cmd] + opt))
        # lists
        if cmd != 'aicpu':
            for opt in (['-nlist', '1024,2048'], ['-nlist', '1024,2048', '-p', '0,1'], ['-d', '128,256'],
                        ['-d', '128,256', '-p', '0,1'], ['-p', '0,1,2', '-nlist', '1024,2048'], ['-d', '256,256'],
                        ['-nlist', '1024,1024', '-p', '0,0'], ['-nlist', '1024, 2048'], ['-nlist', '1024,,2048'],
                        ['-nlist', '1024,'], ['-nlist', '１０２４,２０４８'], ['-code_num', '8192,16384'],
                        ['-code_num', '8192,16384', '-p', '0,1']):
                add(cmd, *(base[cmd] + opt))
        else:
            for opt in (['-p', '0,1'], ['-p', '1,1'], ['-p', '0,1', '--cores', '8,8'], ['-p', ',']):
                add(cmd, *opt)
    return out

def fuzz(n, seed):
    rnd = random.Random(seed)
    toks = ['-d', '-nonzero_num', '-nlist', '-handle_batch', '-code_num', '-batch_size', '--cores', '-p', '--pool',
            '-n', '-nl', '-no', '-non', '-c', '-co', '-b', '-ha', '-h', '--help', '--he', '-d=', '-p=', '--p', '--po',
            '--c', '--co', '--b', '--ba', '--plan', '-q', '-o', '--json', '--', '-', '', 'x', '--x', '-x',
            '256', '128', '64', '512', '768', '1024', '2048', '4096', '32', '16', '48', '240', '8', '2', '0', '-1', '-5',
            '16384', '32768', '8192', '4096', '1_024', '１０２４', ' 32 ', '0x10', '1e3', '-256', '1,2', '0,1', '--backend',
            'mock', '--timeout', '--compile-workers', '--verification', 'hash', '-d256', '-p-1', '-p7', '-qd', '-oq']
    res = []
    for _ in range(n):
        cmd = rnd.choice(CMDS)
        k = rnd.randint(0, 8)
        args = [rnd.choice(toks) for _ in range(k)]
        # glue some tokens with '='
        if args and rnd.random() < 0.3:
            i = rnd.randrange(len(args))
            if i + 1 < len(args):
                args[i:i + 2] = [args[i] + '=' + args[i + 1]]
        res.append((cmd, args))
    return res
