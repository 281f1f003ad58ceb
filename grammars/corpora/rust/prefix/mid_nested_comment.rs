fn f() {}
/* outer comment /* inner closed */ still open