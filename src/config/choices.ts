/** How tasks may be compiled, as a user chooses (--toolchain, PELATO_TOOLCHAIN): src/build/pick-toolchain.ts acts on it. */
export const TOOLCHAIN_CHOICES = ["go", "tinygo", "auto"] as const;
export type ToolchainChoice = (typeof TOOLCHAIN_CHOICES)[number];
