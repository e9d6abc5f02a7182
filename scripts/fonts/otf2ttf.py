# CFF outlines to TrueType (quadratic) outlines, for scripts/fonts/build-cjk-font.sh.
# The approach is the one fontTools documents: each glyph drawn through Cu2QuPen into a TTGlyphPen.
import sys
from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
MAX_ERR = 1.0
def glyphs_to_quadratic(glyphs, max_err=MAX_ERR, reverse_direction=True):
    quad = {}
    for name in glyphs.keys():
        g = glyphs[name]
        pen = TTGlyphPen(glyphs)
        g.draw(Cu2QuPen(pen, max_err, reverse_direction=reverse_direction))
        quad[name] = pen.glyph()
    return quad
font = TTFont(sys.argv[1])
order = font.getGlyphOrder()
font['loca'] = newTable('loca')
font['glyf'] = glyf = newTable('glyf')
glyf.glyphOrder = order
glyf.glyphs = glyphs_to_quadratic(font.getGlyphSet())
del font['CFF ']
if 'VORG' in font: del font['VORG']
glyf.compile(font)
font['maxp'] = maxp = newTable('maxp')
maxp.tableVersion = 0x00010000
maxp.maxZones = 1; maxp.maxTwilightPoints = 0; maxp.maxStorage = 0; maxp.maxFunctionDefs = 0
maxp.maxInstructionDefs = 0; maxp.maxStackElements = 0; maxp.maxSizeOfInstructions = 0; maxp.maxComponentElements = 0
maxp.maxPoints = 0; maxp.maxContours = 0; maxp.maxCompositePoints = 0; maxp.maxCompositeContours = 0; maxp.maxComponentDepth = 0
maxp.compile(font)
post = font['post']; post.formatType = 2.0; post.extraNames = []; post.mapping = {}; post.glyphOrder = order
font['head'].indexToLocFormat = 1
font.sfntVersion = '\x00\x01\x00\x00'
font.save(sys.argv[2])
