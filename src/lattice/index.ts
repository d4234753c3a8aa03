export { HOST_ENGINE_DEFAULTS } from "./parts.js";
export { startLattice, type LatticeHost, type LatticeOptions, type RunningLattice } from "./lattice.js";
export { startSitesLattice, type RunningSite, type RunningSitesLattice, type SitesLatticeOptions } from "./sites-lattice.js";
export { applyLinkAction, parseLinkAction, type LinkAction } from "./link.js";
export { findSitesLattice, type SitesRecord } from "./state.js";
export { checkLeafLinks, leafDenySnippet, type LeafLinkCheck } from "./leaf-links.js";
export { startService, type Service } from "./service.js";
