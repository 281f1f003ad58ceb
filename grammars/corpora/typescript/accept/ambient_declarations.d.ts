/// <reference types="node" />
// A declaration file: declare forms, ambient modules, global augmentation, export =.
declare const VERSION: string;
declare let mutableGlobal: number;
declare var legacyGlobal: any;
declare function greet(name: string): void;
declare function greet(name: string, times: number): void;
declare class Widget {
  constructor(el: HTMLElement);
  render(): void;
  static create(): Widget;
  private internal;
}
declare abstract class AbstractWidget {
  abstract mount(): void;
}
declare namespace MyLib {
  interface Options {
    verbose?: boolean;
  }
  function init(opts?: Options): void;
  const version: string;
  namespace Nested {
    type Id = number;
  }
}
declare module "legacy-lib" {
  function legacy(x: number): string;
  export = legacy;
}
declare module "*.svg" {
  const content: string;
  export default content;
}
declare module "shorthand-ambient";
declare global {
  interface Window {
    myGlobal: string;
  }
  var __DEV__: boolean;
}
export declare type Handler = (event: Event) => void;
export declare const enum Level { Low, High }
export declare function helper<T>(x: T): T;
export as namespace MyLibGlobal;
export {};
