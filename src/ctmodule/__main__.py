from ctmodule.cli import main

raise SystemExit(main())
