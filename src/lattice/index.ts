export { HOST_ENGINE_DEFAULTS, startLattice, type LatticeHost, type LatticeOptions, type RunningLattice } from "./lattice.js";
export { startService, type Service } from "./service.js";
