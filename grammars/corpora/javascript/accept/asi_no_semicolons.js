// Semicolon-free style: automatic semicolon insertion.
import fs from 'fs'
import path from 'path'

const dir = process.cwd()
let total = 0
const files = fs.readdirSync(dir)
  .filter(f => f.endsWith('.js'))
  .map(f => path.join(dir, f))

for (const f of files) {
  total += fs.statSync(f).size
}

function check(x) {
  if (!x) return
  if (x > 10) throw new Error('too big')
  else console.log(x)
  return x
}

let counter = 0
counter++
const list = [1, 2, 3]
;[4, 5].forEach(n => list.push(n))
;(function iife() {
  counter += 1
})()

const obj = {
  a: 1,
  b: 2
}
const neg = counter
  - 1
const isOk = counter
  !== 3
class Point {
  x = 0
  y = 0
  static origin = new Point()
  move(dx) {
    this.x += dx
  }
}
do counter--
while (counter > 0)
label: for (;;) {
  break label
}
export default { total, check, obj, neg, isOk, Point }
