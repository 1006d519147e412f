// @slipway/cli is the `slipway` command (main.ts); it exports no library API.
export {};
