type F<T> = T extendsstring ? 1 : 2;
