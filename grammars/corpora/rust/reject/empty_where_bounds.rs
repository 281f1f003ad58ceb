fn f<T>(t: T) where T: {}
