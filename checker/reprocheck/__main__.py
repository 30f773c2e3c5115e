from reprocheck.cli import main

main()
