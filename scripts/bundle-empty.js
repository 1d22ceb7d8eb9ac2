// Stands in for modules the bundle must not load (see scripts/bundle.ts).
export {};
