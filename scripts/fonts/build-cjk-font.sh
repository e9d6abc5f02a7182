#!/usr/bin/env bash
# Rebuilds assets/fonts/NotoSansCJKsc-Regular.subset.ttf, the font report PDFs set Chinese, Japanese and
# Korean text in (SIL Open Font License, assets/fonts/LICENSE-NotoSansCJK.txt). Needs Debian's
# fonts-noto-cjk and python3-fonttools. The result is committed; nothing runs this at build or run time.
#
# Noto Sans CJK SC, subset to the CJK punctuation, kana, the hanzi/kanji of GB 2312 and JIS X 0208 (9,788),
# the 2,350 Hangul syllables of KS X 1001 and the full-width forms (12,746 glyphs), then converted from CFF
# to TrueType outlines (otf2ttf.py), whose glyph subsetting works in fontkit when a PDF embeds it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
/usr/bin/python3 - "$work/unicodes.txt" <<'PY'
import sys
han = set()
for cp in range(0x4E00, 0xA000):
    for enc in ('gb2312', 'shift_jis'):
        try:
            chr(cp).encode(enc); han.add(cp); break
        except UnicodeEncodeError:
            pass
hangul = set()
for cp in range(0xAC00, 0xD7A4):
    try:
        if len(chr(cp).encode('euc_kr')) == 2: hangul.add(cp)
    except UnicodeEncodeError:
        pass
other = set(range(0x3000, 0x3100)) | set(range(0x31F0, 0x3200)) | set(range(0x3130, 0x3190)) | set(range(0xFF00, 0xFFF0))
open(sys.argv[1], 'w').write(','.join('U+%04X' % c for c in sorted(han | hangul | other)))
PY
/usr/bin/python3 -m fontTools.subset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc --font-number=2 \
  --unicodes="$(cat "$work/unicodes.txt")" --no-hinting --layout-features='' --name-IDs='*' \
  --output-file="$work/subset.otf"
/usr/bin/python3 "$root/scripts/fonts/otf2ttf.py" "$work/subset.otf" "$root/assets/fonts/NotoSansCJKsc-Regular.subset.ttf"
rm -rf "$work"
ls -l "$root/assets/fonts/NotoSansCJKsc-Regular.subset.ttf"
