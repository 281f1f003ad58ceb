// JSX text with punctuation, entities, URLs, apostrophes and comments between attributes.
export function About({ year }: { year: number }) {
  return (
    <section
      // a line comment between attributes
      id="about" /* and a block comment */
      className="about"
    >
      <p>It's {year} &amp; we're still here: 100% sure, (really) [yes]!</p>
      <p>Visit https://example.com/path?a=1 or mail us at hello@example.com.</p>
      <p>
        Lines can span
        several rows; punctuation like ; , . : ? ! " ' ` ~ = + - * / is text.
      </p>
      <pre>{"{ braces need expressions }"}</pre>
      <p>{year > 2000 ? "modern" : "vintage"} {" "} trailing</p>
      <br />
      text directly after a self-closing tag
    </section>
  );
}
