from kompe.cli import main

raise SystemExit(main())
