export function Card({ title, image, tags }: { title: string; image?: string; tags: string[] }) {
  return (
    <article
      className="card"
      style={{ display: "flex", gap: 8, padding: "4px 8px", borderRadius: 4 }}
      data-tags={tags.join(",")}
      aria-labelledby="card-title"
      tabIndex={0}
      hidden={false}
    >
      {image && <img src={image} alt="" loading="lazy" width={64} height={64} />}
      <h3 id="card-title">{title}</h3>
      <ul className='tags'>
        {tags.map((t) => (
          <li key={t} className={t === "new" ? "tag tag--new" : "tag"}>
            #{t}
          </li>
        ))}
      </ul>
      <svg viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg">
        <path d="M0 0L10 10" strokeWidth={1} />
      </svg>
    </article>
  );
}
