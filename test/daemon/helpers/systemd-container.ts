/** A process seen from inside the container. */
export interface ContainerProcess {
  pid: number;
  cmd: string;
}

export interface InstallBlocks {
  /** Run where the repository is: packages pelatod into ../pelatod. */
  package: string;
  /** Run on the gateway, as root, up to and including the line that says "then edit it". */
  beforeEdit: string;
  /** The rest of the gateway's block: the project, the unit, `enable --now`. */
  afterEdit: string;
}

/** The two `sh` blocks of README.md's "Running pelatod as a service" section, as the test runs them. */
export function installBlocks(readme: string): InstallBlocks {
  const section = readme.slice(readme.indexOf("### Running pelatod as a service"));
  const blocks = [...section.slice(0, section.indexOf("\n## ")).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length !== 2) throw new Error(`README.md: expected 2 sh blocks in "Running pelatod as a service", found ${blocks.length}`);
  const lines = blocks[1]!.split("\n");
  const edit = lines.findIndex((l) => l.includes("then edit it"));
  if (edit < 0) throw new Error(`README.md: no "then edit it" line in the gateway's block`);
  return { package: blocks[0]!, beforeEdit: lines.slice(0, edit + 1).join("\n"), afterEdit: lines.slice(edit + 1).join("\n") };
}
