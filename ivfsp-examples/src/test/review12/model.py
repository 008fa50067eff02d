"""Independent model of the three IVFSP reference scripts' argparse (Python 3.11, real argparse),
and of ivfsp's documented extension (extra options, comma lists, script flags first in prefixes,
documented defaults for 'required' flags)."""
import argparse, json, os

class Stop(Exception):
    def __init__(self, status, message):
        self.status, self.message = status, message

class P(argparse.ArgumentParser):
    script_dests = None   # when set: prefix matches among these dests win (ivfsp's rule)
    def error(self, message):
        raise Stop(2, message)
    def exit(self, status=0, message=None):
        raise Stop(status, message)
    def print_help(self, file=None):
        pass
    def _get_option_tuples(self, option_string):
        result = super()._get_option_tuples(option_string)
        if self.script_dests is not None:
            scripts = [t for t in result if t[0].dest in self.script_dests]
            if scripts:
                return scripts
        return result

def int_list(text):
    parts = text.split(',')
    return [int(x) for x in parts]
int_list.__name__ = 'int'

SERVICE = [("--cores", 'core_num', 8, False), ("-d", 'dim', 256, True), ("-nonzero_num", 'low_dim', 32, True),
           ("-nlist", 'k', 1024, True), ("-p", 'process_id', 0, False), ("-handle_batch", 'handle_batch', 32, True),
           ("-code_num", 'code_num', 32768, True), ("--pool", 'pool_size', 16, False)]
AICPU = [("--cores", 'core_num', 8, False), ("-p", 'process_id', 0, False)]
TRAINING = [("--cores", 'core_num', 8, False), ("-d", 'dim', 256, True), ("-nonzero_num", 'low_dim', 32, True),
            ("-nlist", 'k', 1024, True), ("-p", 'process_id', 0, False), ("-batch_size", 'batch_size', 32768, False),
            ("-code_num", 'code_num', 32768, True)]
# ivfsp 'all': the union; flag order as in the CLI (IvfspParameter order), --pool last
ALL = [("-d", 'dim', 256, True), ("-nonzero_num", 'low_dim', 32, True), ("-nlist", 'k', 1024, True),
       ("-handle_batch", 'handle_batch', 32, True), ("-code_num", 'code_num', 32768, True),
       ("-batch_size", 'batch_size', 32768, False), ("--cores", 'core_num', 8, False), ("-p", 'process_id', 0, False),
       ("--pool", 'pool_size', 16, False)]
FLAGS = {'service': SERVICE, 'aicpu': AICPU, 'training': TRAINING, 'all': ALL}

# ivfsp's own options (help order); kind: flag / text / int
OWN = [("--plan", 'flag'), ("--backend", 'text'), ("--toolkit", 'text'), (("-o", "--output-root"), 'text'),
       ("--install-to", 'text'), ("--timeout", 'int'), ("--fail-fast", 'flag'), ("--rebuild", 'flag'),
       ("--verification", 'text'), ("--prune", 'flag'), (("-q", "--quiet"), 'flag'), ("--json", 'flag'),
       ("--batch", 'flag'), ("--compile-workers", 'int')]

def reference_parser(cmd, required=True):
    """The script's parser exactly (cmd in service/aicpu/training)."""
    p = P(prog=cmd)
    for flag, dest, default, req in FLAGS[cmd]:
        p.add_argument(flag, dest=dest, default=default, type=int, required=req and required)
    return p

def ivfsp_parser(cmd):
    p = P(prog=cmd)
    dests = {'help'}
    for flag, dest, default, req in FLAGS[cmd]:
        if flag == '--pool':
            p.add_argument(flag, dest=dest, default=default, type=int)
        else:
            p.add_argument(flag, dest=dest, default=[default], type=int_list)
        dests.add(dest)
    if cmd == 'training':
        # the training script has no --pool: there it is ivfsp's own (help order: after the flags)
        p.add_argument('--pool', dest='pool_size', default=16, type=int)
        dests.discard('pool_size')
    for names, kind in OWN:
        names = names if isinstance(names, tuple) else (names,)
        if kind == 'flag':
            p.add_argument(*names, action='store_true')
        else:
            p.add_argument(*names, type=int if kind == 'int' else str)
    p.script_dests = dests
    return p

def parse(parser, args):
    """('help',) / ('error', msg) / ('ok', dict)"""
    try:
        ns = parser.parse_args(args)
    except Stop as s:
        if s.status == 0:
            return ('help',)
        return ('error', s.message)
    return ('ok', vars(ns))

# ---------- the reference JSON (from the scripts' generator functions) ----------
def T(shape, typ):
    return {"format": "ND", "shape": shape, "type": typ}

def service_files(c, d, z, k, p, hb, cn):
    files = []
    files.append(("ivf_cid_filter3_op{}_pid{}".format(hb, p), [{"op": "IvfCidFilter3", "input_desc": [
        T([cn], "uint8"), T([cn], "int32"), T([cn], "int32"), T([3, hb], "uint64"), T([hb], "uint32"),
        T([4, 64], "int32"), T([8], "int32"), T([4, 128], "uint16"), T([4, 128], "float16")],
        "output_desc": [T([hb, cn // 16], "uint16"), T([c, 16], "uint16")]}]))
    zh = 16
    files.append(("distance_masked_ivf_sp_int_l2_mins_op{}_pid{}".format(1, p), [{"op": "DistanceMaskedIVFSpIntL2Mins",
        "input_desc": [T([1, d], "float16"), T([z * k // zh, d // 16, zh, 16], "float16"), T([cn * z], "uint8"),
                       T([hb, cn // 8], "uint8"), T([cn], "float32"), T([2, z], "float16"), T([hb], "uint32"),
                       T([hb], "uint64"), T([hb], "uint64"), T([hb], "uint64")],
        "output_desc": [T([hb, cn], "float16"), T([hb, (cn + 63) // 64 * 2], "float16"), T([8, 16], "uint16")]}]))
    files.append(("distance_ivf_sp_int_l2_mins_op{}_pid{}".format(1, p), [{"op": "DistanceIVFSpIntL2Mins",
        "input_desc": [T([1, d], "float16"), T([z * k // zh, d // 16, zh, 16], "float16"), T([cn * z], "uint8"),
                       T([cn], "float32"), T([z], "float16"), T([z], "float16"), T([hb], "uint32"),
                       T([hb], "uint64"), T([hb], "uint64"), T([hb], "uint64")],
        "output_desc": [T([hb, cn], "float16"), T([hb, (cn + 63) // 64 * 2], "float16"), T([8, 16], "uint16")]}]))
    for b in (1024, 32, 16, 8, 4, 2, 1):
        files.append(("distance_compute_qc_op{}_pid{}".format(b, p), qc(c, b, d, z, k, "float32")))
    for b in (1024, 256, 128, 64, 48, 36, 32, 30, 24, 18, 16, 12, 8, 6, 4, 2, 1):
        files.append(("fp_to_fp16_op_{}_pid{}".format(b, p), [{"op": "FpToFp16", "input_desc": [T([b, d], "float32")],
            "output_desc": [T([b, d], "float16"), T([c, 16], "uint16")]}]))
    return files

def qc(c, b, d, z, k, t3):
    return [{"op": "DistanceComputeQC", "input_desc": [T([b, d], "float16"), T([z * k // 16, d // 16, 16, 16], "float16"),
             T([k], t3)], "output_desc": [T([b, k], "float16"), T([c, 16], "uint16")]}]

def training_files(c, d, z, k, p, B, cb):
    f = []
    f.append(("matmul_compute_ata_op{}_pid{}".format(cb, p), [{"op": "CorrCompute", "input_desc": [
        T([1, cb // 16, d, 16], "float16"), T([c], "uint64")], "output_desc": [T([d, d], "float16"), T([c, 16], "uint16")]}]))
    f.append(("matmul_compute_qc_op{}_pid{}".format(cb, p), [{"op": "MatmulCompute", "input_desc": [
        T([z, d], "float16"), T([cb // 16, d // 16, 16, 16], "float16"), T([c, 8], "uint32")],
        "output_desc": [T([z, cb], "float16"), T([c, 16], "uint16")]}]))
    f.append(("matmul_compute_cb_op{}_pid{}".format(cb, p), [{"op": "MatmulCompute", "input_desc": [
        T([d, z], "float16"), T([cb // 16, z // 16, 16, 16], "float16"), T([c, 8], "uint32")],
        "output_desc": [T([d, cb], "float16"), T([c, 16], "uint16")]}]))
    f.append(("distance_compute_qc_op{}_pid{}".format(B, p), qc(c, B, d, z, k, "float16")))
    return f

def D(shape_rank, typ):
    return {"format": "ND", "shape": [-1] * shape_rank, "shape_range": [[1, -1]] * shape_rank, "type": typ}

def aicpu_files(c, p):
    def op(name, ins, outs):
        return {"op": name, "input_desc": [D(r, t) for r, t in ins], "output_desc": [D(r, t) for r, t in outs]}
    ops = [op("TopkIvfSp", [(4, "float16"), (4, "float16"), (3, "int64"), (3, "uint32"), (4, "uint16"), (1, "int64")],
              [(2, "float16"), (2, "int64")]),
           op("VecL2SqrSp", [(2, "float16")], [(1, "float16")]),
           op("VecL2SqrSp", [(2, "float16")], [(2, "float")]),
           op("VecL2SqrSp", [(2, "int8")], [(2, "int32")])]
    for t in ("float16", "int8", "uint8"):
        ops.append(op("TransdataShapedSp", [(2, t), (1, "int64")], [(4, t)]))
    for t in ("float16", "int8", "uint8"):
        ops.append(op("TransdataRawSp", [(4, t), (1, "int64")], [(2, t)]))
    ops.append(op("TopkSPSQ", [(3, "float16"), (3, "float16"), (3, "uint32"), (3, "uint16"), (1, "int64"), (1, "int64")],
                  [(2, "float16"), (2, "int64")]))
    ops.append(op("TopkIvfSpL1", [(2, "float16"), (2, "uint32"), (2, "uint16"), (1, "int64")], [(2, "float16"), (2, "int64")]))
    for name in ("TopkMultisearchIvf", "TopkMultisearchIvfV2"):
        ops.append(op(name, [(4, "float16"), (4, "float16"), (4, "int64"), (4, "uint32"), (5, "uint16"), (1, "int64")],
                      [(3, "float16"), (3, "int64")]))
    return [("aicpu_topk_ops{}".format(p), ops)]

def files_for(cmd, v):
    """{file name: json text} the reference scripts would write for one configuration v (dict by dest)."""
    out = {}
    c, p = v['core_num'], v['process_id']
    if cmd in ('service', 'all'):
        for n, o in service_files(c, v['dim'], v['low_dim'], v['k'], p, v['handle_batch'], v['code_num']):
            out[n + '.json'] = json.dumps(o)
    if cmd in ('aicpu', 'all'):
        for n, o in aicpu_files(c, p):
            out[n + '.json'] = json.dumps(o)
    if cmd in ('training', 'all'):
        for n, o in training_files(c, v['dim'], v['low_dim'], v['k'], p, v['batch_size'], v['code_num']):
            name = n + '.json'
            if cmd == 'all' and name in out:
                name = n + '_pyacl.json'  # ivfsp's documented rename when the service file has this name
            out[name] = json.dumps(o)
    return out

# ---------- the reference scripts' checks, and ivfsp's documented stricter ones ----------
def reference_check(cmd, v):
    """The ValueError/RuntimeError message of the script, or None."""
    if cmd == 'aicpu':
        return None if v['core_num'] in (2, 8) else "core num only support 2 or 8 now!"
    d, z, k = v['dim'], v['low_dim'], v['k']
    if d not in [64, 128, 256, 512, 768]:
        return "not support dim: %s" % d
    if z % 16:
        return "not support nonzero_num: %s, multiple of 16" % z
    if z > d or z > 128:
        return "not support nonzero_num: %s, <=" % z
    if cmd == 'service' and not 1 <= v['pool_size'] <= 32:
        return "pool_size %s" % v['pool_size']
    ks = [256, 512, 1024, 2048] if d in (512, 768) else [256, 512, 1024, 2048, 4096, 8192, 16384]
    if k not in ks:
        return "not support centroid num: %s" % k
    if cmd == 'service':
        hb = v['handle_batch']
        if hb % 16 or not 16 <= hb <= 240:
            return "handle_batch %s" % hb
    if cmd == 'training':
        for name in ('batch_size', 'code_num'):
            if v[name] % 16 or v[name] > 32768:
                return "%s %s" % (name, v[name])
    return None

def ivfsp_stricter(cmd, v):
    """Why ivfsp refuses a configuration the scripts accept (README 'Where ivfsp deliberately differs')."""
    why = []
    for key, val in v.items():
        if isinstance(val, int) and not isinstance(val, bool) and not -2**31 <= val < 2**31:
            why.append("%s out of 32-bit range" % key)
    if v.get('core_num') != 8:
        why.append("cores must be 8")
    if v.get('process_id', 0) < 0:
        why.append("-p negative")
    if cmd in ('service', 'training', 'all'):
        if v['code_num'] <= 0 or v['code_num'] % 128:
            why.append("code_num multiple of 128")
        if v['low_dim'] <= 0:
            why.append("nonzero positive")
    if cmd in ('training', 'all') and v['batch_size'] <= 0:
        why.append("batch_size positive")
    return why
