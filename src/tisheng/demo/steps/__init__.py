"""The demo district's own steps. Every module of this package is imported by
:func:`tisheng.demo.generator.load_steps`, so a new module here registers its steps without any other edit."""
