import random, sys, unicodedata
rnd = random.Random(int(sys.argv[2]))
chars = list('0123456789_+- \t\n\r\x0b\x0c') + ['\x1c','\x1d','\x1e','\x1f','\x85','\xa0','\u1680','\u2000','\u200a','\u2028','\u2029','\u202f','\u205f','\u3000','\u180e','\u200b','\ufeff','\x00','\x01','\x7f',
   '٠','١','٢','۵','߂','०','৩','๕','༣','၄','០','᠕','１','２','𝟎','𝟗','𑁦','¹','²','½','Ⅻ','〇','一','a','x','e','.',',','=','\u0301','\U0001D7CE','\U00016A60','\U0001E950','\ud800'.encode('utf-16','surrogatepass').decode('utf-16','replace')]
out = []
for _ in range(int(sys.argv[1])):
    n = rnd.randint(1, 6)
    s = ''.join(rnd.choice(chars) for _ in range(n))
    if rnd.random() < 0.5:
        s = rnd.choice(['', ' ', '\xa0', '+', '-']) + rnd.choice(['1', '٣', '１２', '0_1']) + s[:2]
    out.append(s)
import json; json.dump(out, open(sys.argv[3], 'w'))
