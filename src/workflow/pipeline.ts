import type { Project } from "./types.js";

/** NATS subject matching: `*` is one token, a final `>` one or more. */
export function subjectMatches(subject: string, pattern: string): boolean {
  const s = subject.split(".");
  const p = pattern.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length || (p[i] !== "*" && p[i] !== s[i])) return false;
  }
  return s.length === p.length;
}

/**
 * Topics that data published on `topic` reaches through the pipeline: each task subscribed to a
 * topic publishes to its dest_topic, and so on. `topic` itself is not included.
 */
export function downstreamTopics(project: Project, topic: string): string[] {
  const reached = new Set<string>();
  const queue = [topic];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const t of project.tasks) {
      if (t.source_topic === undefined || t.dest_topic === undefined) continue;
      if (!subjectMatches(current, t.source_topic) || reached.has(t.dest_topic)) continue;
      reached.add(t.dest_topic);
      queue.push(t.dest_topic);
    }
  }
  reached.delete(topic);
  return [...reached];
}

/** Topics reached from the HTTP producers: their dest_topics and everything downstream. */
export function downstreamOfHttp(project: Project, isHttp: (type: string) => boolean): string[] {
  const starts = project.tasks.filter((t) => isHttp(t.type) && t.dest_topic !== undefined).map((t) => t.dest_topic!);
  return [...new Set(starts.flatMap((s) => [s, ...downstreamTopics(project, s)]))];
}
