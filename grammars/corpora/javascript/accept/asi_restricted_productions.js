// ASI corner cases: restricted productions and lines that continue the previous one.
function early(flag) {
  if (flag)
    return
  return flag
}

function* gen() {
  yield
  yield 1
}

let a = 1
let b = a
++b
let c = b
--c

const longExpr = a
  + b
  * c
  && a
  || b
  ?? c

const chained = [1, 2, 3]
  .map(x => x * 2)
  .filter(Boolean)

const conditional = a
  ? 'yes'
  : 'no'

const call = Math.max
(a, b)

const tpl = String.raw
`raw`

let d
d = a
/ 2

outer:
for (const x of [1]) {
  if (x) continue outer
  else break outer
}

var e = function () {}
var f = class {}
if (a) { b = 2 } else { c = 3 }
const g = { a, b }
throw new Error(`${g.a} ${early(d)} ${e} ${f} ${chained} ${conditional} ${call} ${tpl} ${longExpr} ${gen}`)
