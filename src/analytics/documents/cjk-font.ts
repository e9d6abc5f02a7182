/**
 * The font report PDFs set Chinese, Japanese and Korean text in: Noto Sans CJK SC, subset to the common
 * hanzi/kanji, kana and Hangul (scripts/fonts/build-cjk-font.sh; SIL Open Font License). At 3.6 MB it is
 * too large for the Worker bundle, so it is a static asset (public/fonts/, copied there by
 * scripts/copy-assets.mjs) fetched through the ASSETS binding the first time a document needs it, and kept
 * for the isolate's life.
 */
export const CJK_FONT_PATH = '/fonts/noto-sans-cjk-sc.ttf';

/** Loads the CJK font's bytes, or null when it cannot be had (the PDF then prints `?` for those letters). */
export type CjkFontLoader = () => Promise<Uint8Array | null>;

let loaded: Promise<Uint8Array | null> | undefined;

/** A loader over the Worker's static assets (`env.ASSETS`); without them, none. */
export function cjkFontFromAssets(assets: Fetcher | undefined): CjkFontLoader {
  return () => {
    if (!assets) return Promise.resolve(null);
    loaded ??= assets
      .fetch(`https://assets.invalid${CJK_FONT_PATH}`)
      .then(async (res) => (res.ok ? new Uint8Array(await res.arrayBuffer()) : null))
      .catch(() => null)
      .then((bytes) => {
        // A failed load is tried again by the next document.
        if (!bytes) loaded = undefined;
        return bytes;
      });
    return loaded;
  };
}

/** Letters of the CJK scripts (punctuation, kana, Hangul, ideographs, full-width forms). */
const CJK = /[\u3000-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff00-\uffef]/u;

export const hasCjk = (text: string): boolean => CJK.test(text);
