import React from "react";

interface ButtonProps extends React.ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary";
  size?: "sm" | "lg";
}

export function Button({ variant = "primary", size = "sm", children, ...rest }: ButtonProps) {
  return (
    <button className={`btn btn-${variant} btn-${size}`} {...rest}>
      {children}
    </button>
  );
}

export const IconButton: React.FC<{ icon: string; label: string }> = ({ icon, label }) => (
  <Button aria-label={label}>
    <i className={icon} />
  </Button>
);

export default Button;
