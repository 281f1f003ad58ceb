import { createContext, useContext, useEffect, useMemo } from 'react'

const ThemeContext = createContext('light')

function Button({ kind = 'primary', children, ...props }) {
  const theme = useContext(ThemeContext)
  return (
    <button
      type="button"
      className={`btn btn-${kind} theme-${theme}`}
      {...props}
    >
      {children}
    </button>
  )
}

export default function App({ user, posts }) {
  const sorted = useMemo(() => [...posts].sort((a, b) => b.date - a.date), [posts])

  useEffect(() => {
    document.title = user ? `Hi ${user.name}` : 'Welcome'
  }, [user])

  if (!user) return <p className="empty">Please log in.</p>

  return (
    <ThemeContext.Provider value="dark">
      <header>
        <h1>{user.name}</h1>
        <Button kind="secondary" onClick={() => alert('bye')} disabled={!posts.length}>
          Log out
        </Button>
      </header>
      <main>
        {sorted.length > 0 ? (
          sorted.map(post => (
            <article key={post.id}>
              <h2>{post.title}</h2>
              <p dangerouslySetInnerHTML={{ __html: post.body }} />
              <footer>
                <time dateTime={post.date.toISOString()}>{post.date.toDateString()}</time>
              </footer>
            </article>
          ))
        ) : (
          <>
            <p>No posts yet.</p>
            <Button>Write one</Button>
          </>
        )}
      </main>
    </ThemeContext.Provider>
  )
}
