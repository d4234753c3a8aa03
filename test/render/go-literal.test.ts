import { test } from "node:test";
import assert from "node:assert/strict";
import { goString } from "../../src/render/index.js";
import { goUnquote, wellFormed } from "../helpers/go.js";

const samples = [
  "",
  "plain",
  'quote " and backslash \\',
  "new\nline\ttab\r\x07\x00",
  "`backtick` {{ task_name }} {% raw %}",
  "\u202e bidi override \u2066 isolate \u200b zero width",
  "line\u2028separator",
  "emoji 🌡️ and accents àèì",
  "lone surrogate \ud800 here",
  "*/ /* // comment enders",
  '"; os.Exit(1); var _ = "',
];

test("goString escapes what Go would escape and keeps printable text", () => {
  assert.equal(goString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goString("tab\tnl\n"), '"tab\\tnl\\n"');
  assert.equal(goString("\u202e"), '"\\u202e"');
  assert.equal(goString("\x00\x7f"), '"\\x00\\x7f"');
  assert.equal(goString("àé🌡"), '"àé🌡"');
  assert.equal(goString("\u{e0001}"), '"\\U000e0001"');
});

test("Go reads every goString literal back as the same value", () => {
  const decoded = goUnquote(samples.map(goString));
  // A lone surrogate has no UTF-8 form; Go sees U+FFFD, as JSON/UTF-8 would.
  assert.deepEqual(decoded, samples.map(wellFormed));
});
