// hfjs_crosscheck.mjs writes token ids computed by Hugging Face's own
// JavaScript port of tokenizers (npm @huggingface/tokenizers), for the Go
// tests to compare with: a tokenizer.json whose vocabulary holds every
// character of the test strings (so that normalisation and splitting, not
// [UNK], decide the ids) and the ids of each string.
//
//   cd /tmp && npm install @huggingface/tokenizers@0.2.0
//   NODE_PATH=/tmp/node_modules node internal/wordpiece/testdata/hfjs_crosscheck.mjs
//
// (the output, hfjs_tokenizer.json and hfjs_cases.json, is committed).
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(process.env.NODE_PATH ? join(process.env.NODE_PATH, "x.js") : import.meta.url);
const { Tokenizer } = require("@huggingface/tokenizers");
const here = dirname(fileURLToPath(import.meta.url));

const texts = [
  "Hello, World! How are you?",
  "naïve café Ångström résumé",
  "ÉCOLE élève Ça",
  "Straße ΣΊΣΥΦΟΣ Москва",
  "日本語のテキスト 中文字符",
  "한국어 문장",
  "emoji 👍 ok",
  "zero\u200bwidth soft\u00adhyphen",
  "tab\tsep new\nline cr\r\nlf",
  "non\u00a0breaking em\u2003space",
  "em—dash en–dash ‘quotes’ «guillemets» “curly”",
  "math ∑ ≤ ± × ÷ °C",
  "1,000.50$ 100% #hash @user http://x.co/a?b=c&d",
  "e\u0301 a\u0300 combining",
  "ｆｕｌｌｗｉｄｔｈ ＡＢＣ",
  "ﬁne ligature",
  "don't won't it's",
  "under_score snake_case_name",
  "[CLS] inside [SEP] text [MASK]",
  "<html>&amp;</html>",
  "x".repeat(100),
  "y".repeat(101),
  "é".repeat(100),
  "",
  "   ",
  "ALL CAPS SENTENCE.",
  "mixed123numbers456",
  "¿Qué? ¡Sí!",
  "Ελληνικά κείμενα",
  "עברית טקסט",
  "العربية نص",
  "हिन्दी पाठ",
];

const specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const words = ["hello", "world", "how", "are", "you", "cafe", "naive", "don", "won", "it", "text", "under", "score", "snake", "case", "name", "inside"];
const seen = new Set();
const vocabList = [];
const add = (t) => { if (!seen.has(t)) { seen.add(t); vocabList.push(t); } };
specials.forEach(add);
words.forEach(add);
for (const t of texts) {
  for (const v of [t, t.toLowerCase(), t.normalize("NFD"), t.toLowerCase().normalize("NFD")]) {
    for (const c of v) {
      if (/\s/u.test(c)) continue;
      add(c);
      add("##" + c);
    }
  }
}
const vocab = Object.fromEntries(vocabList.map((t, i) => [t, i]));
const tokJSON = {
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: specials.map((s) => ({ id: vocab[s], content: s, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
  normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: "BertPreTokenizer" },
  post_processor: {
    type: "TemplateProcessing",
    single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
    pair: [],
    special_tokens: { "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] }, "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] } },
  },
  decoder: { type: "WordPiece", prefix: "##", cleanup: true },
  model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
};
const tok = new Tokenizer(tokJSON, { do_lower_case: true, model_max_length: 512 });
const cases = texts.map((text) => {
  const enc = tok.encode(text);
  return { text, ids: enc.ids, tokens: enc.tokens };
});
writeFileSync(join(here, "hfjs_tokenizer.json"), JSON.stringify(tokJSON));
writeFileSync(join(here, "hfjs_cases.json"), JSON.stringify({ generator: "@huggingface/tokenizers@0.2.0", cases }, null, 1));
console.log(`wrote ${cases.length} cases, vocabulary of ${vocabList.length}`);
