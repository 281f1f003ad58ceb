interface A {;}
interface B {}
