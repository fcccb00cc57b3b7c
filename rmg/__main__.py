from rmg.cli.main import main

main()
