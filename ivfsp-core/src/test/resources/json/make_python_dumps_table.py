#!/usr/bin/env python3
"""Writes python-dumps-table.tsv: how Python's json.dumps spells numbers and strings.

Each line is  kind <TAB> input <TAB> json.dumps(value)  where kind is
  f  a float, input = its IEEE-754 bits as 16 hex digits
  i  an int, input = its decimal digits
  s  a str, input = its UTF-16 code units (big-endian) as hex, possibly lone surrogates
Regenerate with:  python3 make_python_dumps_table.py > python-dumps-table.tsv
The seed is fixed, so the output is the same on every run of the same Python.
"""
import json
import math
import random
import struct
import sys

rng = random.Random(20261130)


def bits(x):
    return struct.unpack('>Q', struct.pack('>d', x))[0]


def from_bits(b):
    return struct.unpack('>d', struct.pack('>Q', b))[0]


floats = []


def add(x):
    if math.isfinite(x):
        floats.append(x)


for x in [0.0, 5e-324, 1e-323, 2.2250738585072009e-308, 2.2250738585072014e-308, 1.7976931348623157e+308,
          0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1.5, 0.5, 1.0, 2.0, 10.0, 100.0, 1e10, 1e15, 1e16, 1e17,
          9007199254740992.0, 9007199254740993.0, 9999999999999998.0, 1e16 - 2, 123456789012345680.0,
          0.0001, 0.00001, 0.00009999999999999999, 0.000099999, 1e22, 1e23, 2e23, 5e-310, 4.9406564584124654e-324,
          math.pi, math.e, 299792458.0, 6.02214076e23, 1.602176634e-19, 1.1920928955078125e-07,
          12.0, 1234.5678, 0.3, 100000.0, 3.0e-5]:
    add(x)

# Powers of ten around both switch points of repr (1e-4 / 1e-5 and 1e15 / 1e16), with neighbours.
for e in range(-325, 309):
    x = float('1e%d' % e)
    add(x)
    if x != 0 and math.isfinite(x):
        add(math.nextafter(x, 0))
        add(math.nextafter(x, math.inf))
for e in list(range(-8, 0)) + list(range(13, 19)):
    for m in (1, 2, 5, 9.5, 9.999, 9.99999999999999, 1.0000000000001):
        add(float('%re%d' % (m, e)))

# Powers of two (their rounding intervals are lopsided) and their neighbours, subnormals included.
for e in range(-1074, 1024):
    x = math.ldexp(1.0, e)
    add(x)
    add(math.nextafter(x, math.inf))
    if e > -1074:
        add(math.nextafter(x, 0))

# Subnormals: the smallest few, the largest, random ones.
for k in list(range(1, 40)) + [(1 << 52) - 1, (1 << 52) - 2, 1 << 51]:
    add(from_bits(k))
for _ in range(300):
    add(from_bits(rng.getrandbits(52)))

# Random doubles: random bit patterns (every exponent), uniform reals, integers, short decimals.
for _ in range(3000):
    add(from_bits(rng.getrandbits(63)))
for _ in range(1000):
    add(rng.uniform(0, 1))
for _ in range(500):
    add(float(rng.getrandbits(rng.randint(1, 64))))
for _ in range(1000):
    add(float('%d.%de%d' % (rng.randint(0, 999), rng.randint(0, 999999), rng.randint(-30, 30))))

# The sign is only a prefix: negate the hand-picked values and some of the others.
floats += [-x for x in floats[:100]] + [-x for x in rng.sample(floats, 1000)]

out = sys.stdout
seen = set()
for x in floats:
    b = bits(x)
    if b in seen:
        continue
    seen.add(b)
    out.write('f\t%016x\t%s\n' % (b, json.dumps(x, allow_nan=False)))

ints = [0, 1, -1, 7, 10, 2 ** 31 - 1, -2 ** 31, 2 ** 31, 2 ** 63 - 1, -2 ** 63, 2 ** 63, 2 ** 64, -2 ** 64 - 1,
        10 ** 30, -10 ** 30]
ints += [rng.randint(-2 ** 63, 2 ** 63 - 1) for _ in range(200)]
for i in ints:
    out.write('i\t%d\t%s\n' % (i, json.dumps(i)))


def utf16(s):
    return s.encode('utf-16-be', 'surrogatepass').hex()


strings = ['', 'plain ascii', ' ~', '"', '\\', '/', '\b\f\n\r\t', '\x7f', '\x80', '\xe9', '\u20ac', '\ufeff',
           '\uffff', '\U0001f600', '\ud800', '\udfff', '\udc00\ud800', ''.join(chr(c) for c in range(0, 0x80)),
           ''.join(chr(c) for c in range(0x80, 0x200))]
pool = [chr(c) for c in range(0, 0x80)] + ['\xe9', '\u0100', '\u4e2d', '\ud7ff', '\ue000', '\uffff', '\U0001f600',
                                           '\U0010ffff', '\ud800', '\udbff', '\udc00', '\udfff']
for _ in range(300):
    strings.append(''.join(rng.choice(pool) for _ in range(rng.randint(1, 12))))
for s in strings:
    out.write('s\t%s\t%s\n' % (utf16(s), json.dumps(s)))
