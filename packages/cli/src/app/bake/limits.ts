/** The most `helm template` processes `bake --all` runs at once (its `--concurrency` bound). */
export const maxBakeConcurrency = 64;
