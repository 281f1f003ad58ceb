import { createContext, useContext, useMemo, useState, type PropsWithChildren } from "react";

export interface AuthState {
  user: { id: string; name: string } | null;
  login(name: string): Promise<void>;
  logout(): void;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

export function AuthProvider({ children }: PropsWithChildren) {
  const [user, setUser] = useState<AuthState["user"]>(null);
  const value = useMemo<AuthState>(
    () => ({
      user,
      async login(name) {
        setUser({ id: crypto.randomUUID(), name });
      },
      logout: () => setUser(null),
    }),
    [user],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth outside AuthProvider");
  return ctx;
}
