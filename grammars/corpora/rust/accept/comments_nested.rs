//! inner doc comment of the crate
/*! inner doc block */
// line comment

/* simple block comment */
/* multi-line
   block comment */
/* nested /* one level */ back out */
/* nested /* two /* levels */ deep */ back */
/* depth /* 2 /* 3 /* 4 */ 3 */ 2 */ 1 */
/**/
/***/
/* stars ** inside * and slashes / // /// */
/****************
 * banner style *
 ****************/

/// outer doc
/** doc block */
fn main() /* between */ {
    let x = 1 /* inline */ + /* another */ 2;
    let y = x // trailing
        * 3;
    let url = "http://example.com/*not a comment*/";
    let s = "// not a comment either";
    let z = x / y /* division then comment */ / 2;
    /* comment before end */
}
