from vibe.cli import main

raise SystemExit(main())
