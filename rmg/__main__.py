from rmg.cli.main import main

if __name__ == "__main__":  # spawned children (model_processes) import this module too
    main()
