/** Read by vite-plugin-svelte and svelte-check. Svelte 5 strips TypeScript itself, so no preprocessor. */
export default {
  compilerOptions: {
    // Runes everywhere: no legacy reactive statements in this code base.
    runes: true,
  },
};
