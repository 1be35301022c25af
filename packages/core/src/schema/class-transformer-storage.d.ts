// class-transformer keeps the metadata of @Type() in an internal module without its own typings.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
