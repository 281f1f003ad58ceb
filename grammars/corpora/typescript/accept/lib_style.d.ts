/*! Declarations in the style of the standard library files */
interface ReadonlyPair<K, V> {
    readonly key: K;
    readonly value: V;
}

interface PairConstructor {
    new <K, V>(key: K, value: V): ReadonlyPair<K, V>;
    readonly prototype: ReadonlyPair<any, any>;
    of<K, V>(key: K, value: V): ReadonlyPair<K, V>;
}

declare var Pair: PairConstructor;

interface Array<T> {
    /**
     * Returns the last element.
     * @param predicate A function called for each element.
     */
    findLast<S extends T>(predicate: (value: T, index: number, array: T[]) => value is S, thisArg?: any): S | undefined;
    findLast(predicate: (value: T, index: number, array: T[]) => unknown, thisArg?: any): T | undefined;
    at(index: number): T | undefined;
    [Symbol.unscopables]: { [K in keyof any[]]?: boolean };
}

interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
}

type Awaitable<T> = T | PromiseLike<T>;

declare function setTimeoutLike<TArgs extends any[]>(callback: (...args: TArgs) => void, ms?: number, ...args: TArgs): number;

declare namespace Intl2 {
    interface Format {
        format(value: number | bigint): string;
        resolvedOptions(): { locale: string; };
    }
    var Format: {
        new (locales?: string | string[]): Format;
        supportedLocalesOf(locales: string | string[]): string[];
    };
}
