// The wadm application manifest (OAM, wadm 0.21's link form) exactly as pelatod renders it: render
// produces it, wadm puts it, the local host reads it. One type for all three.

/** Without `properties`: a config pelatod puts into the lattice itself (a secret), which wadm only names. */
export interface NamedConfig {
  name: string;
  properties?: Record<string, string>;
}

/** Host labels a scaler places on; `weight` only on a spreadscaler (bench/failover's baseline). */
export interface SpreadEntry {
  name: string;
  weight?: number;
  requirements: Record<string, string>;
}

export interface LinkTrait {
  type: "link";
  properties: {
    namespace: string;
    package: string;
    interfaces: string[];
    target: { name: string; config?: NamedConfig[] };
    source?: { config?: NamedConfig[] };
  };
}

export interface ScalerTrait {
  type: "spreadscaler" | "daemonscaler";
  /** pelatod always gives a spread; without one a scaler places anywhere (bench/failover compares). */
  properties: { instances: number; spread?: SpreadEntry[] };
}

export type Trait = LinkTrait | ScalerTrait;

export interface ManifestComponent {
  name: string;
  type: "component" | "capability";
  /** `id`: wasmCloud's component id; wadm's default is `<application>-<component>`. */
  properties: { image: string; id?: string; config?: NamedConfig[] };
  traits: Trait[];
}

export interface Manifest {
  apiVersion: "core.oam.dev/v1beta1";
  kind: "Application";
  metadata: { name: string; annotations: Record<string, string> & { version: string } };
  spec: { components: ManifestComponent[] };
}
