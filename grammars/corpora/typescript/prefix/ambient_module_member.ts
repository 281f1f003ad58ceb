declare module "config" {
  export const value: 