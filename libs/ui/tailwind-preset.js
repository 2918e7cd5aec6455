// The DirectDriveX look, defined once: every app using @ddx/ui adds this preset
// to its tailwind.config.js (`presets: [require('../../libs/ui/tailwind-preset')]`).
const plugin = require('tailwindcss/plugin');
const colors = require('tailwindcss/colors');

/** @type {import('tailwindcss').Config} */
module.exports = {
  theme: {
    extend: {
      colors: {
        brand: colors.indigo,
        ink: colors.slate,
      },
      fontFamily: {
        sans: ['Inter', 'ui-sans-serif', 'system-ui', '-apple-system', 'Segoe UI', 'Roboto', 'sans-serif'],
      },
      keyframes: {
        'ui-slide-in': { from: { opacity: '0', transform: 'translateY(0.5rem)' }, to: { opacity: '1', transform: 'none' } },
        'ui-indeterminate': { '0%': { transform: 'translateX(-100%)' }, '100%': { transform: 'translateX(250%)' } },
      },
      animation: {
        'ui-slide-in': 'ui-slide-in 150ms ease-out',
        'ui-indeterminate': 'ui-indeterminate 1.2s ease-in-out infinite',
      },
    },
  },
  plugins: [
    plugin(({ addBase, theme }) => {
      addBase({
        // A focus ring everyone can see, for every focusable element, keyboard only.
        ':focus-visible': {
          outline: `2px solid ${theme('colors.brand.600')}`,
          outlineOffset: '2px',
        },
        '@media (prefers-reduced-motion: reduce)': {
          '*, ::before, ::after': { animationDuration: '0.01ms !important', transitionDuration: '0.01ms !important' },
        },
      });
    }),
  ],
};
