// The planner, as data: every rule of planRedeploy, then properties over random states.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { isNoop, planRedeploy, planSummary, type DeployedApp, type DesiredApp } from "../../src/daemon/index.js";

const want = (name: string, over: Partial<DesiredApp> = {}): DesiredApp => ({ name, version: `1.0.0-${name}v1`, sourceDigest: `${name}-src1`, image: `reg/${name}:1.0.0`, codePath: `tasks/${name}.go`, ...over });
const have = (d: DesiredApp, over: Partial<DeployedApp> = {}): DeployedApp => ({ version: d.version, sourceDigest: d.sourceDigest, digest: `sha256:${d.name}`, ...(d.image ? { image: d.image } : {}), ...over });
const steps = (p: ReturnType<typeof planRedeploy>) => p.apps.map((a) => [a.name, a.action, a.build, a.push, a.deploy]);

const a = want("a");
const b = want("b");

const cases: { name: string; desired: DesiredApp[]; deployed: Record<string, DeployedApp>; push?: boolean; failed?: Record<string, string>; expect: unknown[][] }[] = [
  { name: "nothing deployed: add everything, built, pushed, deployed", desired: [a, b], deployed: {}, expect: [["a", "add", true, true, true], ["b", "add", true, true, true]] },
  { name: "same versions: nothing at all", desired: [a, b], deployed: { a: have(a), b: have(b) }, expect: [["a", "unchanged", false, false, false], ["b", "unchanged", false, false, false]] },
  { name: "one task's sources changed: only it is rebuilt, pushed and redeployed", desired: [{ ...a, version: "1.0.0-x", sourceDigest: "a-src2" }, b], deployed: { a: have(a), b: have(b) }, expect: [["a", "update", true, true, true], ["b", "unchanged", false, false, false]] },
  { name: "one task's topics changed: only its manifest is deployed", desired: [{ ...a, version: "1.0.0-topics" }, b], deployed: { a: have(a), b: have(b) }, expect: [["a", "update", false, false, true], ["b", "unchanged", false, false, false]] },
  { name: "a task's image changed (version tag or registry): push without rebuilding", desired: [{ ...a, version: "1.1.0-a", image: "reg/a:1.1.0" }], deployed: { a: have(a) }, expect: [["a", "update", false, true, true]] },
  { name: "a task removed: its application is removed", desired: [a], deployed: { a: have(a), b: have(b) }, expect: [["a", "unchanged", false, false, false], ["b", "remove", false, false, false]] },
  { name: "a component renamed: the new one added, the old one removed", desired: [want("c", { sourceDigest: a.sourceDigest })], deployed: { a: have(a) }, expect: [["a", "remove", false, false, false], ["c", "add", true, true, true]] },
  { name: "local host: nothing is ever pushed", push: false, desired: [{ ...a, version: "v2", sourceDigest: "a-src2" }, b], deployed: { a: have(a) }, expect: [["a", "update", true, false, true], ["b", "add", true, false, true]] },
  { name: "found running with an unknown build input: rebuilt unless the version is the desired one", desired: [{ ...a, version: "v2" }, b], deployed: { a: have(a, { sourceDigest: "", digest: "" }), b: have(b, { sourceDigest: "", digest: "" }) }, expect: [["a", "update", true, true, true], ["b", "unchanged", false, false, false]] },
  { name: "sources known not to compile: blocked, nothing else held back", desired: [{ ...a, version: "v2", sourceDigest: "broken" }, { ...b, version: "v2", sourceDigest: "b2" }], deployed: { a: have(a), b: have(b) }, failed: { a: "broken" }, expect: [["a", "blocked", false, false, false], ["b", "update", true, true, true]] },
  { name: "sources changed again after a failure: tried again", desired: [{ ...a, version: "v3", sourceDigest: "fixed" }], deployed: { a: have(a) }, failed: { a: "broken" }, expect: [["a", "update", true, true, true]] },
  { name: "nothing wanted, nothing deployed: an empty plan", desired: [], deployed: {}, expect: [] },
];

for (const c of cases) {
  test(c.name, () => {
    const plan = planRedeploy({ desired: c.desired, deployed: c.deployed, push: c.push ?? true, ...(c.failed ? { failed: c.failed } : {}) });
    assert.deepEqual(steps(plan), c.expect);
  });
}

test("reasons say why, and the summary lists names per step", () => {
  const plan = planRedeploy({ desired: [{ ...a, version: "v2", sourceDigest: "x" }, want("c")], deployed: { a: have(a), b: have(b) }, push: true });
  assert.deepEqual(plan.apps.map((p) => p.reason), ["sources changed", "no task has this component any more", "new task"]);
  assert.deepEqual(planSummary(plan), { build: ["a", "c"], push: ["a", "c"], deploy: ["a", "c"], remove: ["b"], blocked: [] });
  assert.equal(isNoop(plan), false);
  assert.equal(isNoop(planRedeploy({ desired: [a], deployed: { a: have(a) }, push: true })), true);
});

// Properties over random desired and deployed states.
const name = fc.constantFrom("a", "b", "c", "d");
const desiredArb = fc.uniqueArray(fc.record({ name, version: fc.constantFrom("v1", "v2", "v3"), sourceDigest: fc.constantFrom("s1", "s2"), image: fc.constantFrom("i1", "i2") }), { selector: (d) => d.name, maxLength: 4 }).map((ds) => ds.map((d) => ({ ...d, codePath: `tasks/${d.name}.go` })));
const deployedArb = fc.dictionary(name, fc.record({ version: fc.constantFrom("v1", "v2", "v3"), sourceDigest: fc.constantFrom("s1", "s2", ""), digest: fc.constant("sha256:x"), image: fc.constantFrom("i1", "i2") }), { maxKeys: 4 });

test("property: build and push imply deploy; remove only what no task wants; unchanged iff versions equal", () => {
  fc.assert(
    fc.property(desiredArb, deployedArb, fc.boolean(), (desired, deployed, push) => {
      const plan = planRedeploy({ desired, deployed, push });
      const names = new Set<string>(desired.map((d) => d.name));
      for (const p of plan.apps) {
        if (p.build || p.push) assert.ok(p.deploy);
        if (!push) assert.equal(p.push, false);
        if (p.action === "remove") assert.ok(!names.has(p.name) && deployed[p.name]);
        const d = desired.find((x) => x.name === p.name);
        if (d) assert.equal(p.action === "unchanged", deployed[d.name]?.version === d.version);
        if (d && p.build) assert.notEqual(deployed[d.name]?.sourceDigest, d.sourceDigest);
        if (d && push && p.deploy) assert.equal(p.push, p.build || deployed[d.name]?.image !== d.image);
      }
      assert.equal(plan.apps.length, new Set([...names, ...Object.keys(deployed)]).size);
    }),
  );
});

test("property: executing a plan leaves nothing to do (the plan is idempotent)", () => {
  fc.assert(
    fc.property(desiredArb, deployedArb, fc.boolean(), (desired, deployed, push) => {
      const plan = planRedeploy({ desired, deployed, push });
      const after: Record<string, DeployedApp> = { ...deployed };
      for (const p of plan.apps) {
        if (p.action === "remove") delete after[p.name];
        const d = desired.find((x) => x.name === p.name);
        if (d && p.deploy) after[d.name] = { version: d.version, sourceDigest: d.sourceDigest, digest: "sha256:y", image: d.image! };
      }
      assert.ok(isNoop(planRedeploy({ desired, deployed: after, push })));
    }),
  );
});

test("the planner is pure: its inputs are not changed", () => {
  const deployed = Object.freeze({ a: Object.freeze(have(a)) });
  const desired = Object.freeze([Object.freeze({ ...a, version: "v2" })]);
  assert.deepEqual(steps(planRedeploy({ desired, deployed, push: true, failed: Object.freeze({}) })), [["a", "update", false, false, true]]);
});
